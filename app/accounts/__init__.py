"""Clerk accounts: sign-in with lockout, roles, passwords, the idle-lock setting.

The API the window uses (all in ``app.accounts.service`` unless noted):
``login`` (opens a sign-in session: ``UserSession.token``, what services check roles on),
``resume`` (the idle lock's password check, same session), ``sign_out`` (ends it),
``confirm_role`` (a supervisor's password for a void or an override: a session for that one
action, ended with ``finish_approval``), ``change_password``, ``reset_password``, ``unlock``, ``create_user``, ``list_users``,
``needs_first_administrator``, ``idle_lock_minutes`` (set with ``app.services.settings.save``);
``app.accounts.roles.require(user, role)``; ``app.accounts.passwords.password_problems``.
"""
