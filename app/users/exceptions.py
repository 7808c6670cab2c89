from app.core.errors import AppError, Conflict, NotFound, PermissionDenied


class EmailTaken(Conflict):
    detail = "Email already registered"


class AdminRequired(PermissionDenied):
    detail = "Admin access required"


class AccountDeactivated(PermissionDenied):
    detail = "Account is deactivated"


class UserNotFound(NotFound):
    detail = "User not found"


class WrongCurrentPassword(AppError):
    detail = "Current password is incorrect"


class CannotChangeOwnAdminAccount(AppError):
    detail = "Admins cannot demote or deactivate themselves"


class LastActiveAdmin(Conflict):
    detail = "The last active admin cannot be demoted or deactivated"
