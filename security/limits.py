"""Length limits for what people type. One number for every free-text field: long enough for
the longest real note (about two printed pages of Chinese), short enough that a pasted
megabyte is refused with a message instead of filling pages, e-mails and exports."""

TEXT_MAX = 5000  # characters: descriptions, notes, reasons, root causes, answers
