"""Printed paper from stored data: settlement slips, referral forms, application forms (PDF).

Pure Python (ReportLab); the window previews and prints the returned PDF bytes with Qt.

A document is made in two steps, so the page depends only on what was stored:

    with store.read() as session:
        data = from_store.slip_data(session, slip_number)      # SlipData, frozen
    pdf = slip.render_slip(data, paper="A4", copies=(PATIENT_COPY, HOSPITAL_COPY))
    # … show or print ``pdf``; once it is really printed or saved:
    from_store.record_print(store, slip_number, clerk=clerk, paper="A4", copies=copies)

The other forms are those a policy file lists (``[[versions.paper]]``): ``paper.forms_printed``
says which a case's policy prints (light: the window asks it), and ``forms.FORMS`` holds each
form's renderer by name (``referral``: ``render_hunan_referral``, ``application``:
``render_weihai_application``, ``materials``: ``render_materials_sheet``);
``forms.print_form(session, name, admission_number)`` refuses a form the policy does not list.
Every renderer raises ``app.fonts.MissingGlyphError`` naming the field of a character the
shipped fonts lack.
"""
