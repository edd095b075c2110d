"""The directory's commands of ``climbing-frame``, the command line's counterpart of ``directory.web``: each
parses arguments, calls a service and prints. ``shared`` holds what every package's commands use (the
console, how a domain error ends a command, tables that survive a pipe); the composition root
(``climbing_frame.cli``) adds every group to the one command."""
