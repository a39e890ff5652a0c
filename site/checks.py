"""Declarative exercise checks, evaluated on a trace (docs/trace.md).

A lesson never runs its own code against the learner's: it states facts the
trace must show (``status: 200``, ``sequence: [call, start_response]``) and
this module compares. ``parse`` validates one check as written in a lesson's
front matter; ``evaluate`` answers each with a learner-facing message, in the
learner's language (``strings/*.toml``, keys ``check.*``) unless the lesson
wrote its own ``pass``/``fail`` words. The kinds are listed in docs/lessons.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wsgi_asgi_tour.check_rules import EVALUATORS, VALIDATORS, Outcome
from wsgi_asgi_tour.i18n import t
from wsgi_asgi_tour.lesson_model import Check

KINDS = tuple(VALIDATORS)
EVALUATORS_KINDS = tuple(EVALUATORS)
MODIFIERS = ("request", "pass", "fail")


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    message: str
    check: Check

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "message": self.message, "kind": self.check.kind}


class CheckSpecError(ValueError):
    """A check is written wrong; `key` names the offending key (for the line number)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def parse(item: Any, line: int | None = None) -> Check:
    if isinstance(item, str) and item in VALIDATORS:
        item = {item: True}  # "- outcome" style shorthand is not allowed for valued kinds
    if not isinstance(item, dict):
        raise CheckSpecError(f"a check must be a mapping like 'status: 200', got {item!r}")
    kinds = [k for k in item if k not in MODIFIERS]
    unknown = [k for k in kinds if k not in VALIDATORS]
    if unknown:
        raise CheckSpecError(
            f"unknown check type {unknown[0]!r} (known: {', '.join(KINDS)})", unknown[0])
    if len(kinds) != 1:
        raise CheckSpecError(f"a check needs exactly one type, got {kinds or 'none'}")
    kind = kinds[0]
    problem = VALIDATORS[kind](item[kind])
    if problem:
        raise CheckSpecError(f"check {kind!r}: {problem}", kind)
    request = item.get("request")
    if request is not None and (type(request) is not int or request < 0):
        raise CheckSpecError("'request' must be a response index: 0, 1, ...", "request")
    for key in ("pass", "fail"):
        if key in item and not isinstance(item[key], str):
            raise CheckSpecError(f"'{key}' must be a message (text)", key)
    return Check(kind, item[kind], request, item.get("pass"), item.get("fail"), line)


def evaluate(checks: tuple[Check, ...] | list[Check], trace: Mapping[str, Any],
             lang: str = "en") -> list[CheckResult]:
    """Each check's verdict on `trace`, in order."""
    return [_one(check, trace, lang) for check in checks]


def summary(results: list[CheckResult], lang: str = "en") -> str:
    failed = sum(not r.passed for r in results)
    if not failed:
        return t("check.all_passed", lang)
    return t("check.some_failed", lang, failed=failed, total=len(results))


def report(checks: tuple[Check, ...] | list[Check], trace: Mapping[str, Any],
           lang: str = "en") -> dict[str, Any]:
    """The JSON a Check button gets: every verdict, the summary, and whether all passed."""
    results = evaluate(checks, trace, lang)
    return {"passed": all(r.passed for r in results), "summary": summary(results, lang),
            "results": [r.to_json() for r in results]}


PARTIES = ("server", "client", "app")  # values of a check's "by" (check_rules.py)
COUNT_WORDS = re.compile(r"\b(equals|min|max) (\d+)")


def _one(check: Check, trace: Mapping[str, Any], lang: str) -> CheckResult:
    evaluator: Callable[[Any, Mapping[str, Any], int | None], Outcome] = EVALUATORS[check.kind]
    outcome = evaluator(check.value, trace, check.request)
    if outcome.key is None:  # nothing to look at (no response): say so, never crash
        if check.request is None:
            return CheckResult(False, t("check.no_response_last", lang), check)
        return CheckResult(False, t("check.no_response", lang, request=check.request), check)
    own = check.pass_message if outcome.passed else check.fail_message
    suffix = "pass" if outcome.passed else "fail"
    # "by" names a side of the connection: a word of the learner's language too.
    params = {k: t(f"check.party_{v}", lang) if k in ("by", "expected_by") and v in PARTIES
              else v for k, v in outcome.params.items()}
    if outcome.key == "event_count":  # "equals 1, max 3" (check_rules.py) in words
        params["expected"] = COUNT_WORDS.sub(
            lambda m: t(f"check.count_{m[1]}", lang, n=m[2]), str(params["expected"]))
    message = own or t(f"check.{outcome.key}_{suffix}", lang, **params)
    return CheckResult(outcome.passed, message, check)
