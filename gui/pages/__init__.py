"""One module per page of the main window; each holds only presentation."""
