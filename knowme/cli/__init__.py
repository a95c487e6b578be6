"""The `knowme` command: `main` parses the command line and hands each command to the module of its group
(`core`, `sources`, `dedupe`, `triage`, `export`, `review`); `errors.UserError` is what they raise for
something the user can fix."""
