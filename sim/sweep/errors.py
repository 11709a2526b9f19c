"""Exceptions of the sweep engine; the CLI turns the ``ValueError`` kinds into exit status 2."""


class SpecError(ValueError):
    """An experiment spec is invalid; the message names the file, the key and the reason."""


class SweepFolderError(ValueError):
    """An output folder cannot take this sweep (not a sweep, another spec, in use, nothing to resume)."""


class SweepAborted(RuntimeError):
    """The executor failed (not a model run): completed runs are saved, and running again resumes."""


class ExecutorError(ValueError):
    """The requested executor cannot be started (Dask missing, scheduler unreachable, bad worker count)."""


class CodeChangedWarning(UserWarning):
    """A sweep resumed with different ``sim`` code than its previous session used."""
