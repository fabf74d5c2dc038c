"""Facts the generator is calibrated on.

Every number here is an approximate public figure, rounded, written down as a plain fact so that the
generator needs no data files. Where a figure is a modelling choice rather than a published number the
comment says so. Shares need not sum to one: they are relative weights.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

HOST_COUNTRIES: Final = ("JOR", "LBN")

# Syrian governorate populations, 2004 census (Central Bureau of Statistics, as in the OCHA COD-AB
# population tables). Used where no host-specific skew applies, e.g. for destinations other than home.
GOVERNORATE_POPULATION: Final = MappingProxyType(
    {
        "SY01": 1_552_161,  # Damascus
        "SY02": 4_045_166,  # Aleppo
        "SY03": 2_273_074,  # Rural Damascus
        "SY04": 1_529_402,  # Homs
        "SY05": 1_384_953,  # Hama
        "SY06": 879_551,  # Lattakia
        "SY07": 1_258_427,  # Idleb
        "SY08": 1_275_118,  # Al-Hasakeh
        "SY09": 1_004_747,  # Deir-ez-Zor
        "SY10": 701_395,  # Tartous
        "SY11": 793_514,  # Ar-Raqqa
        "SY12": 843_478,  # Dar'a
        "SY13": 313_231,  # As-Sweida
        "SY14": 66_627,  # Quneitra
    }
)

# Governorate of origin of registered Syrian refugees, by host (approximate public figures).
# Jordan: UN inter-agency sitrep of March 2013 gives 67 % from Dar'a; UNHCR Jordan profiles since then
# show Dar'a still the large majority, then Homs, Rural Damascus, Damascus, Aleppo.
# Lebanon: UNHCR Lebanon registration profiles: Homs first, then Aleppo, Idleb, Rural Damascus, Hama.
ORIGIN_SHARES: Final = MappingProxyType(
    {
        "JOR": MappingProxyType(
            {
                "SY12": 0.62, "SY04": 0.11, "SY03": 0.10, "SY01": 0.05, "SY02": 0.04, "SY05": 0.025,
                "SY07": 0.01, "SY14": 0.01, "SY13": 0.01, "SY09": 0.01, "SY11": 0.005, "SY08": 0.005,
                "SY10": 0.003, "SY06": 0.002,
            }
        ),
        "LBN": MappingProxyType(
            {
                "SY04": 0.26, "SY02": 0.20, "SY03": 0.13, "SY07": 0.13, "SY05": 0.10, "SY11": 0.05,
                "SY01": 0.04, "SY09": 0.03, "SY12": 0.02, "SY10": 0.015, "SY06": 0.01, "SY08": 0.01,
                "SY13": 0.003, "SY14": 0.002,
            }
        ),
    }
)

# Year of arrival in the host country (approximate, from UNHCR registration trends: the influx peaked
# in 2013; Lebanon asked UNHCR to stop registering new arrivals in May 2015).
ARRIVAL_YEAR_SHARES: Final = MappingProxyType(
    {
        "JOR": MappingProxyType(
            {2011: 3, 2012: 25, 2013: 38, 2014: 14, 2015: 8, 2016: 4, 2017: 2, 2018: 2, 2019: 2, 2021: 1, 2023: 1}
        ),
        "LBN": MappingProxyType(
            {2011: 4, 2012: 22, 2013: 36, 2014: 22, 2015: 7, 2016: 2, 2017: 2, 2018: 1, 2019: 1, 2021: 1, 2023: 2}
        ),
    }
)

# Household types (shares of households). A modelling choice calibrated so that the results match the
# published profile: mean household size about 4.7 (Jordan) to 4.9 (Lebanon) (UNHCR Jordan profiles,
# VASyR Lebanon); people under 18 about 49 % in Jordan and 54 % in Lebanon, aged 60 or over about 4 %
# in Jordan and 2.5 % in Lebanon (UNHCR end-2025 demographics of Syrian refugees); female-headed
# households about a quarter in Jordan and a fifth in Lebanon.
HOUSEHOLD_KINDS: Final = MappingProxyType(
    {
        "JOR": MappingProxyType(
            {
                "couple_children": 0.545, "extended": 0.10, "female_single_parent": 0.185,
                "female_older": 0.05, "male_single": 0.04, "couple_no_children": 0.03, "older_couple": 0.015,
                "grandparent_grandchildren": 0.012, "male_single_parent": 0.016, "child_headed": 0.002,
            }
        ),
        "LBN": MappingProxyType(
            {
                "couple_children": 0.61, "extended": 0.1, "female_single_parent": 0.16,
                "female_older": 0.025, "male_single": 0.045, "couple_no_children": 0.03, "older_couple": 0.006,
                "grandparent_grandchildren": 0.01, "male_single_parent": 0.016, "child_headed": 0.002,
            }
        ),
    }
)

FEMALE_HEADED_KINDS: Final = frozenset({"female_single_parent", "female_older"})

# Number of children a mother would have over her life if nothing cut it short (a modelling choice;
# births are also limited by her age, so completed families come out near the total fertility of
# about 4 to 4.5 reported for Syrian women in the early 2010s).
CHILDREN_WANTED: Final = MappingProxyType(
    {
        "JOR": MappingProxyType({1: 2, 2: 6, 3: 12, 4: 18, 5: 20, 6: 16, 7: 12, 8: 8, 9: 4, 10: 2}),
        "LBN": MappingProxyType({1: 2, 2: 5, 3: 10, 4: 17, 5: 20, 6: 18, 7: 13, 8: 8, 9: 5, 10: 2}),
    }
)

# Age of a married man heading a household (years) and the share in each band (modelling choice; the
# refugee population of Lebanon is younger).
HEAD_AGE_BANDS: Final = MappingProxyType(
    {
        "JOR": ((20, 24, 6), (25, 34, 32), (35, 44, 32), (45, 54, 18), (55, 64, 8), (65, 80, 4)),
        "LBN": ((20, 24, 9), (25, 34, 38), (35, 44, 30), (45, 54, 15), (55, 64, 6), (65, 80, 2)),
    }
)

# Share of the registered households holding a UNHCR case number. Lebanon stopped new registration in
# 2015, so later arrivals are only "recorded"; in Jordan nearly everyone is registered.
CASE_NUMBER_SHARE: Final = MappingProxyType({"JOR": 0.97, "LBN": 0.86})
CASE_OFFICE: Final = MappingProxyType({"JOR": "JOR", "LBN": "LEB"})

# Share of households with a host-government identifier: the Ministry of Interior service card in
# Jordan (widely held after the 2018 regularisation campaign), a General Security residency permit in
# Lebanon (held by about one in five; VASyR).
HOST_ID_SHARE: Final = MappingProxyType({"JOR": 0.78, "LBN": 0.2})

# Mobile numbering plans (ITU E.164): Lebanon +961 3 xxxxxx or +961 7x/81 xxxxxx; Jordan +962 77/78/79
# xxxxxxx.
PHONE_PREFIXES: Final = MappingProxyType(
    {
        "JOR": (("+96277", 7, 30), ("+96278", 7, 30), ("+96279", 7, 40)),
        "LBN": (
            ("+9613", 6, 30), ("+96170", 6, 15), ("+96171", 6, 15), ("+96176", 6, 15), ("+96178", 6, 5),
            ("+96179", 6, 5), ("+96181", 6, 15),
        ),
    }
)

# Share of children born in exile whose birth is registered with a birth certificate (approximate:
# registration of Syrian births rose to about three quarters in Jordan; in Lebanon most births are
# recorded by a notification only and about a third reach the Foreigners' Registry; VASyR).
HOST_BIRTH_REGISTERED: Final = MappingProxyType({"JOR": 0.75, "LBN": 0.35})
