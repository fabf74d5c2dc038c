"""A small gazetteer for the generator's tests: all 14 Syrian governorates (2004 census populations),
districts and sub-districts under Dar'a, Homs and Aleppo only, and host units for Lebanon and Jordan
(real OCHA p-codes and Wikidata ids)."""

from __future__ import annotations

from sabeel.engines.synth import AdminUnitRef, SynthConfig

GOVERNORATES = {
    "SY01": 1_552_161, "SY02": 4_045_166, "SY03": 2_273_074, "SY04": 1_529_402, "SY05": 1_384_953,
    "SY06": 879_551, "SY07": 1_258_427, "SY08": 1_275_118, "SY09": 1_004_747, "SY10": 701_395,
    "SY11": 793_514, "SY12": 843_478, "SY13": 313_231, "SY14": 66_627,
}
DISTRICTS = {
    "SY1200": ("SY12", 428_681), "SY1202": ("SY12", 167_993), "SY1203": ("SY12", 246_804),
    "SY0401": ("SY04", 1_035_055), "SY0402": ("SY04", 108_102), "SY0403": ("SY04", 129_429),
    "SY0200": ("SY02", 2_490_751), "SY0202": ("SY02", 292_713),
}
SUB_DISTRICTS = {
    "SY120000": ("SY1200", 146_481), "SY120001": ("SY1200", 33_839), "SY120002": ("SY1200", 44_266),
    "SY120004": ("SY1200", 43_691), "SY120005": ("SY1200", 72_625),
    "SY120200": ("SY1202", 113_427), "SY120202": ("SY1202", 45_793),
    "SY040100": ("SY0401", 750_501), "SY040101": ("SY0401", 71_503), "SY040111": ("SY0401", 27_951),
    "SY040200": ("SY0402", 108_102),
    "SY020000": ("SY0200", 2_181_061), "SY020001": ("SY0200", 76_873),
}

SYRIA = (
    *(AdminUnitRef(code, 1, None, population) for code, population in GOVERNORATES.items()),
    *(AdminUnitRef(code, 2, parent, population) for code, (parent, population) in DISTRICTS.items()),
    *(AdminUnitRef(code, 3, parent, population) for code, (parent, population) in SUB_DISTRICTS.items()),
)

# Lebanon: governorates LB1..LB8 and some districts; weights are rough shares of Syrian refugees.
LEBANON = (
    AdminUnitRef("LB1", 1, None, 3), AdminUnitRef("LB2", 1, None, 20), AdminUnitRef("LB3", 1, None, 25),
    AdminUnitRef("LB4", 1, None, 5), AdminUnitRef("LB5", 1, None, 15), AdminUnitRef("LB6", 1, None, 8),
    AdminUnitRef("LB7", 1, None, 12), AdminUnitRef("LB8", 1, None, 12),
    AdminUnitRef("LB11", 2, "LB1"), AdminUnitRef("LB25", 2, "LB2", 3), AdminUnitRef("LB24", 2, "LB2", 1),
    AdminUnitRef("LB56", 2, "LB5", 3), AdminUnitRef("LB55", 2, "LB5", 1), AdminUnitRef("LB51", 2, "LB7"),
    AdminUnitRef("LB21", 2, "LB8", 4), AdminUnitRef("LB22", 2, "LB8", 1),
)

# Jordan: governorates by Wikidata id, weighted by registered Syrian refugees (UNHCR Jordan, 2023).
JORDAN = (
    AdminUnitRef("Q472788", 1, None, 195_334), AdminUnitRef("Q854871", 1, None, 169_043),
    AdminUnitRef("Q721441", 1, None, 128_467), AdminUnitRef("Q721445", 1, None, 97_310),
    AdminUnitRef("Q721431", 1, None, 17_039), AdminUnitRef("Q750447", 1, None, 13_027),
    AdminUnitRef("Q750270", 1, None, 8_524), AdminUnitRef("Q735245", 1, None, 8_312),
    AdminUnitRef("Q606340", 1, None, 8_194), AdminUnitRef("Q506658", 1, None, 5_794),
    AdminUnitRef("Q260796", 1, None, 3_781), AdminUnitRef("Q750259", 1, None, 1_428),
)

HOSTS = {"JOR": JORDAN, "LBN": LEBANON}


def make_config(host: str = "JOR", households: int = 200, seed: int = 2018, **overrides: object) -> SynthConfig:
    return SynthConfig(
        seed=seed, host_country=host, households=households, syria_units=SYRIA, host_units=HOSTS[host],
        **overrides,  # type: ignore[arg-type]
    )
