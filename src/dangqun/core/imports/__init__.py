"""The machinery every spreadsheet import shares (decision 0025); each import keeps its own
checking and writing.

- ``models.ImportJobFields``: what a job keeps (status, progress, counts, errors); each import's
  job model extends it.
- ``files``: the upload stopped at the size limit while it streams in (``SizeLimitHandler``), stored
  under a random name, and the error file of the rows with errors.
- ``jobs.ImportKind``: one kind of import — its job model, who may import, its Huey task, its
  template and error file — and what its owner does with a job: start one, find their own (anyone
  else gets 404), download its error file (audited by the kind).
- ``run``: the Huey task's frame — claim the job, run the import's body, record how it ended — and
  the steps every body takes: report the errors, stop on them unless “仅导入无误的行”, write in
  chunks with the job's progress, say what was done.
- ``views``: the pages' upload (size-limited, then CSRF-checked), the status page's context, the
  error file and template downloads; the status partials ``imports/_progress.html`` and
  ``imports/_report.html``. The API's side is ``api/imports.py``.
"""
