"""Printed paper from stored data: settlement slips, referral forms, application forms (PDF).

Pure Python (ReportLab); the window previews and prints the returned PDF bytes with Qt.

A document is made in two steps, so the page depends only on what was stored:

    with store.read() as session:
        data = from_store.slip_data(session, slip_number)      # SlipData, frozen
    pdf = slip.render_slip(data, paper="A4", copies=(PATIENT_COPY, HOSPITAL_COPY))
    # … show or print ``pdf``; once it is really printed or saved:
    from_store.record_print(store, slip_number, clerk=clerk, paper="A4", copies=copies)

``from_store.referral_data`` gives a ``ReferralData`` (湖南: ``render_hunan_referral``) or a
``MaterialsData`` (other policies: ``render_materials_sheet``); ``from_store.application_data``
gives 威海's ``ApplicationData`` (``render_weihai_application``). Every renderer raises
``app.fonts.MissingGlyphError`` naming the field of a character the shipped fonts lack.
"""
