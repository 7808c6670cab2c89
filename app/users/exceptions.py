from app.core.errors import Conflict, PermissionDenied


class EmailTaken(Conflict):
    detail = "Email already registered"


class AdminRequired(PermissionDenied):
    detail = "Admin access required"


class AccountDeactivated(PermissionDenied):
    detail = "Account is deactivated"
