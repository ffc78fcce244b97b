LABELS: dict[str, dict[str, str]] = {}
