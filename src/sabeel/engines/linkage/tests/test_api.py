"""The training loop's fall-back: Splink's EM can refuse an m probability that underflowed to 0.0
on a small list (it depends on which random pairs estimated the u probabilities)."""

from __future__ import annotations

import pytest

from sabeel.engines.linkage import LinkageSettings, TrainedModel


def test_training_tries_the_next_seeds_when_em_refuses_an_underflowed_m_probability(monkeypatch):
    from sabeel.engines.linkage import _api

    seeds: list[int] = []
    model = TrainedModel(settings={"comparisons": []})

    def once(table, settings, report, *, strict=True):  # type: ignore[no-untyped-def]
        seeds.append(settings.seed)
        if len(seeds) < 3:
            raise ValueError("m_probability value 0.0 is below the minimum allowed value")
        return model

    monkeypatch.setattr(_api, "_train_once", once)
    seen: list[str] = []
    settings = LinkageSettings(seed=9, on_progress=lambda p: seen.append(p.stage))
    assert _api._train(None, settings, _api._Reporter(settings, ("prior",))) is model
    assert seeds == [9, 10, 11]
    monkeypatch.setattr(_api, "_train_once", lambda *a, **k: (_ for _ in ()).throw(ValueError("always")))
    with pytest.raises(ValueError, match="3 seeds"):
        _api._train(None, settings, _api._Reporter(settings, ("prior",)))
