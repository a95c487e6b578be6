"""Finding duplicates: `blocking` picks the pairs worth comparing, `matchitem`/`matching` prepare and
compare them, `evidence`/`evidence_names`/`scoring` turn each kind of agreement into points and words,
`fitting` learns what agreement means in this workspace, `run` merges the sure pairs and queues the rest,
`merge`/`mergesummary` do the merging, `pairgroups` groups the questions for answering in bulk."""
