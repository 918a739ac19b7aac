"""信访指南: the guide's content (content/guide/*.md) and the statutory timeline picture."""
