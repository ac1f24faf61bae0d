"""Printed paper from stored data: settlement slips, referral forms, application forms (PDF).

Pure Python (ReportLab); the window previews and prints the returned PDF bytes with Qt.
"""
