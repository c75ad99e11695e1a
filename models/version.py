"""The pipeline's version, in a module of its own: what the runner and the stores need of the pipeline
without importing it (spaCy, jieba, the classifier: a second of imports).

Bump when a stage's output changes: results are cached per (content hash, version).
p2: jieba-rs segments (a number range is one word); p3: the problems section's MinHash signature;
p4: real layouts read (issue 18), claims linked and breakdowns checked as real reports write them
(issue 19), timeliness rules (GK408, GK409), the completeness model on real sections (issue 20);
p5: claims read as more real reports write them (issue 19), Markdown headings and an unheaded overview;
p6: claims and links from fresh real pages and breakdowns from the real narratives (issue 19), the
completeness elements read as the GUIDE defines them and the model retrained (issue 20).
p7: claims, links and breakdowns from six more rounds of fresh real pages (issue 19).
p8: outcomes of all of a count (均予以公开), paragraphs indented with a tab, and claims, links and
breakdowns from four more rounds of fresh real pages (issue 19).
"""

PIPELINE_VERSION = "gkaudit-0.1.0+p8"
