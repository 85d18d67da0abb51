"""Scraping a running relay's /metrics and reading it with prometheus_client's own parser."""

from collections import Counter
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

from tests.relay.admin.conftest import Admin


@dataclass
class Scrape:
    """One parsed scrape: sample name -> list of (labels, value)."""

    text: str
    samples: dict[str, list[tuple[dict[str, str], float]]]
    types: dict[str, str]

    def value(self, name: str, **labels: str) -> float:
        """The one sample of ``name`` whose labels include ``labels``."""
        found = [v for got, v in self.samples.get(name, []) if labels.items() <= got.items()]
        assert len(found) == 1, (name, labels, self.samples.get(name))
        return found[0]

    def by(self, name: str, *keys: str) -> Counter[tuple[str, ...]]:
        """``name``'s values keyed by the given labels, zero samples left out."""
        out: Counter[tuple[str, ...]] = Counter()
        for labels, value in self.samples.get(name, []):
            if value:
                out[tuple(labels[k] for k in keys)] += int(value)
        return out


def parse(text: str) -> Scrape:
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    types: dict[str, str] = {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((dict(sample.labels), sample.value))
    return Scrape(text, samples, types)


async def scrape(admin: Admin, **kwargs: object) -> Scrape:
    reply = await admin.call("GET", "/metrics", **kwargs)  # type: ignore[arg-type]
    assert reply.status == 200, reply
    assert reply.headers["Content-Type"].startswith("text/plain")
    return parse(reply.text)
