"""Imported first by the process that starts render workers: it ends when the build ends.

``pool.render_all`` names this module in ``set_forkserver_preload``. Linux then kills the
forkserver as soon as the build's process is gone, however it went (SIGKILL included), and
each worker, which asks the same of its own parent, follows.
"""

from brochures.pool import die_with_parent

die_with_parent()
