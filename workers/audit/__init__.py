"""The audit's own logic over the library: the pipeline's stages, the quality score, corpus checks, triage."""
