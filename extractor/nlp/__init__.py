"""Narrative analysis: a spaCy Chinese pipeline segmented by jieba, claims, links."""
