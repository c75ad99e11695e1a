"""Checks: a registry of small named rules over a Report and its narrative claims."""

from extractor.checks.registry import RULES, AuditInput, Finding, run_checks

__all__ = ["RULES", "AuditInput", "Finding", "run_checks"]
