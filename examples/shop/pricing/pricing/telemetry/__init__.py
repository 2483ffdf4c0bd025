"""Logs, metrics and traces for the pricing service, written with the standard library only."""
