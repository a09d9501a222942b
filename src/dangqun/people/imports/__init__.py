"""Import people from xlsx/csv: validate the whole file in memory, then write in bulk.

An ``ImportJob`` is started through ``jobs.IMPORTS`` (a kind of ``core.imports``, the machinery
every import shares) and processed by a Huey task (``people.tasks.run_import``, which calls
``run.run_job``):

1. read the file (``read``), check the header, read every row (``rows``);
2. match each row to a person — by ID number through its keyed hash, then by employee number —
   check it is in the importer's scope, run the shared service rules (``check_person_data``,
   ``check_profile_data``) on the merged values, and plan: create, update or unchanged (``plan``);
3. if any row is wrong and the user did not choose “仅导入无误的行”, stop: nothing is written;
4. write the planned rows in chunks of ``CHUNK`` rows, each chunk one transaction holding its
   people, party profiles, member events, audit rows and the job's progress (``write``).

The stored upload, the error file and the chunked run are ``core.imports``'; the template is drawn
by ``sheets``; the pages are ``views``. Why one transaction per chunk is said in
``core.imports.run``.
"""
