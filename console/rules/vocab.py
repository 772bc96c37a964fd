"""The product's shared vocabulary (SPEC §1–§2), as str enums."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLINICIAN = "clinician"
    RECOVERY_WORKER = "recovery_worker"
    ADMIN = "admin"
    RECEPTION = "reception"


class PatientStatus(StrEnum):
    IN_TREATMENT = "in_treatment"
    POST_EXIT_CHECKUPS = "post_exit_checkups"
    DISCHARGED = "discharged"
    DECEASED = "deceased"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class Medicine(StrEnum):
    METHADONE = "methadone_oral"
    BUPRENORPHINE = "buprenorphine_sublingual"
    BUPRENORPHINE_PR = "buprenorphine_prolonged_release"
    OTHER = "other"


MEDICINE_LABEL = {
    Medicine.METHADONE: "Methadone",
    Medicine.BUPRENORPHINE: "Buprenorphine",
    Medicine.BUPRENORPHINE_PR: "Buprenorphine PR",
    Medicine.OTHER: "Other",
}


class DoseInterval(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class Dispensing(StrEnum):
    SUPERVISED = "supervised"
    DAILY_PICKUP = "daily_pickup"
    MULTI_DAY_PICKUP = "multi_day_pickup"
    WEEKLY = "weekly"


# Said as what is collected: "daily, weekly" would read as two frequencies.
DISPENSING_LABEL = {
    Dispensing.SUPERVISED: "supervised consumption",
    Dispensing.DAILY_PICKUP: "daily pick-up",
    Dispensing.MULTI_DAY_PICKUP: "multi-day pick-up",
    Dispensing.WEEKLY: "weekly pick-up",
}


class Domain(StrEnum):
    SUBSTANCE_USE = "substance_use"
    PHYSICAL_HEALTH = "physical_health"
    MENTAL_HEALTH = "mental_health"
    HOUSING = "housing"
    EMPLOYMENT = "employment_education_training"
    FAMILY = "family_relationships"
    MUTUAL_AID = "mutual_aid_peer_support"
    OFFENDING = "offending"
    FINANCES = "finances_benefits"
    HARM_REDUCTION = "overdose_harm_reduction"


DOMAIN_LABEL = {
    Domain.SUBSTANCE_USE: "Substance use",
    Domain.PHYSICAL_HEALTH: "Physical health",
    Domain.MENTAL_HEALTH: "Mental health",
    Domain.HOUSING: "Housing",
    Domain.EMPLOYMENT: "Employment, education and training",
    Domain.FAMILY: "Family and relationships",
    Domain.MUTUAL_AID: "Mutual aid and peer support",
    Domain.OFFENDING: "Offending",
    Domain.FINANCES: "Finances and benefits",
    Domain.HARM_REDUCTION: "Overdose and harm reduction",
}


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class PlanStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"


class ReviewKind(StrEnum):
    START = "start"
    STRATEGIC = "strategic"
    INTERIM = "interim"
    EXIT = "exit"
    POST_EXIT_CHECKUP = "post_exit_checkup"


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    FINALISED = "finalised"


class OstDecision(StrEnum):
    CONTINUE_MAINTENANCE = "continue_maintenance"
    REDUCE = "reduce"
    DETOXIFY = "detoxify"
    INCREASE = "increase"
    START = "start"
    STOP = "stop"
    NOT_ON_OST = "not_on_ost"
    PENDING = "pending"


class Specimen(StrEnum):
    URINE = "urine"
    ORAL_FLUID = "oral_fluid"


class TestResult(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NOT_TESTED = "not_tested"


# The drug-test panel of SPEC §2, in display order.
DRUG_PANEL = (
    "opiates",
    "methadone",
    "buprenorphine",
    "fentanyl",
    "cocaine",
    "amphetamines",
    "benzodiazepines",
    "cannabis",
)


class CorroborationSource(StrEnum):
    PHARMACY = "pharmacy"
    KEYWORKER = "keyworker"
    FAMILY = "family_member"
    SPECIALIST = "specialist_service"
    OTHER = "other"


class ResourceKind(StrEnum):
    SMART = "smart_recovery"
    NA = "narcotics_anonymous"
    CA = "cocaine_anonymous"
    AA = "alcoholics_anonymous"
    FAMILY_SUPPORT = "family_support"
    RECOVERY_COMMUNITY = "recovery_community"
    HOUSING = "housing"
    EMPLOYMENT = "employment_training"
    OTHER = "other"


MUTUAL_AID_KINDS = frozenset(
    {ResourceKind.SMART, ResourceKind.NA, ResourceKind.CA, ResourceKind.AA}
)


class LinkageMethod(StrEnum):
    INFORMATION_GIVEN = "information_given"
    INTRODUCED_TO_PEER = "introduced_to_peer"
    ACCOMPANIED = "accompanied"
    WARM_HANDOVER = "warm_handover"


class LinkageOutcome(StrEnum):
    ATTENDED = "attended"
    NOT_YET = "not_yet"
    DECLINED = "declined"
    STOPPED = "stopped"


class HealthCheckKind(StrEnum):
    HEP_B_DOSE = "hep_b_dose"
    HEP_B_STATUS = "hep_b_status"
    HCV_ANTIBODY = "hcv_antibody"
    HCV_RNA = "hcv_rna"
    HCV_TREATMENT = "hcv_treatment"
    HIV_TEST = "hiv_test"
    SITE_CHECK = "site_check"
    NALOXONE = "naloxone"
    INJECTING_STATUS = "injecting_status"


class InjectingStatus(StrEnum):
    NEVER = "never"
    PREVIOUSLY = "previously"
    CURRENTLY = "currently"
    DECLINED = "declined"


class ExitGroup(StrEnum):
    SUCCESSFUL = "successful"
    NEUTRAL = "neutral"
    UNSUCCESSFUL = "unsuccessful"


# NDTMS exit reasons (reference/exit-reasons.md): code → (reason, group).
EXIT_REASONS: dict[str, tuple[str, ExitGroup]] = {
    "80": ("treatment completed — drug-free", ExitGroup.SUCCESSFUL),
    "81": ("treatment completed — alcohol-free", ExitGroup.SUCCESSFUL),
    "82": ("treatment completed — occasional user (not opiates or crack)", ExitGroup.SUCCESSFUL),
    "83": ("transferred — not in custody", ExitGroup.NEUTRAL),
    "84": ("transferred — in custody", ExitGroup.NEUTRAL),
    "85": ("incomplete — dropped out", ExitGroup.UNSUCCESSFUL),
    "86": ("incomplete — treatment withdrawn by provider", ExitGroup.UNSUCCESSFUL),
    "87": ("incomplete — retained in custody", ExitGroup.NEUTRAL),
    "88": ("incomplete — treatment commencement declined by client", ExitGroup.UNSUCCESSFUL),
    "89": ("incomplete — client died", ExitGroup.UNSUCCESSFUL),
}
DEATH_EXIT_CODE = "89"

# How the patient prefers to be contacted (SPEC §2); "" is no preference recorded.
CONTACT_METHODS: dict[str, str] = {
    "phone": "Phone call",
    "text": "Text message",
    "email": "Email",
    "letter": "Letter",
}
