"""Text cells for CSV files people open in spreadsheet programs, which run a cell starting
with ``=``, ``+``, ``-`` or ``@`` as a formula: every CSV RelayDesk writes passes texts that
others chose (model names, user agents, key names) through here."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(text: str) -> str:
    """``text`` as a spreadsheet shows it, never as a formula (a leading ``'`` keeps it text)."""
    return "'" + text if text[:1] in FORMULA_STARTS else text
