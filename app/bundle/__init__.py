"""Quarterly (or monthly) claim bundles: report + slips + scans + manifest, written safely
to a USB stick or a shared drive, and verified by reading back."""
