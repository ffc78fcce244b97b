"""Figures for goals (see the module of the same name in analysis/)."""

__all__: list[str] = []
