"""The composition root of Climbing Frame: the one package that imports the directory, the harvester and the
exchange, and wires them into one application (``app``), one command line (``cli``) and one database schema
(``migrate``, ``migrations``). Nothing imports it but the entry points and the tests."""
