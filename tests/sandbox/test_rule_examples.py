"""Every rule in the catalogue has a tiny broken app that triggers it and a fix that does not."""

from __future__ import annotations

import pytest

from sandbox import rules, run
from sandbox.rules.example_apps import all_examples

RULE_IDS = [r.id for r in rules.all_rules()]


def test_every_rule_has_an_example() -> None:
    missing = sorted(set(RULE_IDS) - set(all_examples()))
    assert not missing, f"rules without an example in sandbox/rules/examples/: {missing}"


def test_no_example_for_unknown_rule() -> None:
    unknown = sorted(set(all_examples()) - set(RULE_IDS))
    assert not unknown, f"examples for rules that do not exist: {unknown}"


@pytest.mark.parametrize("rule_id", sorted(all_examples()))
def test_broken_example_triggers_rule(rule_id: str) -> None:
    ex = all_examples()[rule_id]
    trace = run(ex.broken, ex.scenario, interface=ex.interface)
    fired = {v["rule"] for v in trace["violations"]}
    assert rule_id in fired, (trace["outcome"], trace["error"], fired)


@pytest.mark.parametrize("rule_id", sorted(all_examples()))
def test_fixed_example_is_clean(rule_id: str) -> None:
    ex = all_examples()[rule_id]
    trace = run(ex.fixed, ex.scenario, interface=ex.interface)
    errors = [v for v in trace["violations"] if v["severity"] == "error"]
    assert not errors, errors
    assert rule_id not in {v["rule"] for v in trace["violations"]}
    assert trace["outcome"] == "ok", trace["error"]


def test_rule_texts_are_written_for_learners() -> None:
    for rule in rules.all_rules():
        assert rule.title and rule.why and rule.fix, rule.id
        assert rule.spec.startswith("https://"), rule.id
        assert "#" in rule.spec, f"{rule.id}: link to the section, not the whole spec"
