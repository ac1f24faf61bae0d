"""Clerk accounts: sign-in with lockout, roles, passwords, the idle-lock setting.

The API the window uses (all in ``app.accounts.service`` unless noted):
``login``, ``confirm_role`` (a supervisor's password for a void or an override),
``change_password``, ``reset_password``, ``unlock``, ``create_user``, ``list_users``,
``needs_first_administrator``, ``idle_lock_minutes`` (set with ``app.services.settings.save``);
``app.accounts.roles.require(user, role)``; ``app.accounts.passwords.password_problems``.
"""
