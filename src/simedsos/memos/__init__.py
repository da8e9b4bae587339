"""Nota dinas and disposition sheets: numbering, rendering, verification."""
