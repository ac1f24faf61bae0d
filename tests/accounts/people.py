"""The accounts these tests sign in with (made by ``conftest.db_file``)."""

ADMIN, ADMIN_PW = "管理员", "Keeper#2026pass"
SUP, SUP_PW = "王主管", "Boss#2026okay"
SUP2, SUP2_PW = "李主管", "Boss#2026good"
CLERK, CLERK_PW = "测试经办", "Desk#2026clerk"
FIRST_PW = "Start#2026first"
