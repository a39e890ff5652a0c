"""Run learner code outside the web server, in a fresh, walled-in child per run.

Parent side (the web server or the CLI): ``Executor`` talks to a small zygote
process that forks one child per run. Child side: ``child.child_main`` puts
up every wall available (namespaces, unprivileged uid, seccomp, rlimits)
and runs the engine. Nothing here imports the web stack.
"""

from __future__ import annotations
