"""The accounts the window tests sign in with (created by the ``accounts`` fixture)."""

ADMIN, ADMIN_PW = "管理员", "Keeper#2026pass"
SUPERVISOR, SUPERVISOR_PW = "王主管", "Boss#2026okay"
CLERK, CLERK_PW = "测试经办", "Desk#2026clerk"
FIRST_PW = "Start#2026first"  # what the administrator hands out; changed at first sign-in
