"""Staff accounts, sessions and sign-in (工作人员账号)."""
