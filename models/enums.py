"""Closed vocabularies shared by the phone and the hub.

Values are stable wire codes (snake_case). Display text lives in the app's message
catalog, never here, so translations do not touch the data.
"""

from enum import StrEnum


class ActorType(StrEnum):
    """Kinds of armed actor, as the guidance distinguishes them."""

    STATE_FORCES = "state_forces"
    LAW_ENFORCEMENT = "law_enforcement"
    PEACEKEEPERS = "peacekeepers"
    NSAG = "nsag"
    MILITIA = "militia"
    GANG = "gang"
    PRIVATE_SECURITY = "private_security"
    OTHER = "other"


class Influence(StrEnum):
    """Influence over the protection issues at stake (stakeholder mapping)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Stance(StrEnum):
    """Stance toward humanitarian work (stakeholder mapping)."""

    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    OBSTRUCTIVE = "obstructive"
    HOSTILE = "hostile"


class CheckpointOutcome(StrEnum):
    """What happened at a checkpoint crossing."""

    PASSED = "passed"
    DELAYED = "delayed"
    TURNED_BACK = "turned_back"
    INCIDENT = "incident"


class AccessConstraint(StrEnum):
    """OCHA Access Monitoring and Reporting Framework categories."""

    DENIAL_OF_NEEDS = "denial_of_needs"
    ENTRY_RESTRICTION = "entry_restriction"
    MOVEMENT_RESTRICTION = "movement_restriction"
    INTERFERENCE = "interference"
    VIOLENCE = "violence"
    POPULATION_ACCESS = "population_access"
    HOSTILITIES = "hostilities"
    EXPLOSIVE_HAZARDS = "explosive_hazards"
    PHYSICAL_ENVIRONMENT = "physical_environment"


class LogStatus(StrEnum):
    """A checkpoint log is saved as a draft in seconds and completed later."""

    DRAFT = "draft"
    COMPLETE = "complete"


class ContactKind(StrEnum):
    """The setting of a contact."""

    CHECKPOINT_TALK = "checkpoint_talk"
    COMMUNITY_MEETING = "community_meeting"
    BILATERAL = "bilateral"
    TRAINING = "training"
    OTHER = "other"


class Level(StrEnum):
    """Where the interlocutor sits in the actor's hierarchy."""

    LOCAL = "local"
    MID = "mid"
    SENIOR = "senior"


class Method(StrEnum):
    """The five engagement methods of the guidance."""

    DIRECT_DIALOGUE = "direct_dialogue"
    EDUCATION_TRAINING = "education_training"
    INDIRECT = "indirect"
    PUBLIC_ADVOCACY = "public_advocacy"
    REVEALING_FACTS = "revealing_facts"


class Approach(StrEnum):
    """The five persuasion approaches of the guidance."""

    INTERNATIONAL_LAW = "international_law"
    LOCAL_NORMS = "local_norms"
    SELF_IMAGE = "self_image"
    COMMON_INTEREST = "common_interest"
    QUID_PRO_QUO = "quid_pro_quo"


class ProtectionIssue(StrEnum):
    """Protection concerns raised with an actor."""

    ATTACKS_ON_CIVILIANS = "attacks_on_civilians"
    FREEDOM_OF_MOVEMENT = "freedom_of_movement"
    HUMANITARIAN_ACCESS = "humanitarian_access"
    DETENTION = "detention"
    CHILD_RECRUITMENT = "child_recruitment"
    SEXUAL_VIOLENCE = "sexual_violence"
    DISPLACEMENT = "displacement"
    HEALTH_CARE = "health_care"
    EDUCATION = "education"
    PROPERTY_LOOTING = "property_looting"
    EXPLOSIVE_ORDNANCE = "explosive_ordnance"
    FOOD_AND_LIVELIHOODS = "food_and_livelihoods"
    STAFF_SAFETY = "staff_safety"
    OTHER = "other"


class RiskFlag(StrEnum):
    """Risks a contact may carry, from the guidance's four risk areas."""

    STAFF_SAFETY = "staff_safety"
    REPUTATION = "reputation"
    OPERATIONS = "operations"
    COMMUNITY_EXPOSURE = "community_exposure"


class Sensitivity(StrEnum):
    """How carefully a contact must be handled."""

    NORMAL = "normal"
    HIGH = "high"


class ContactStatus(StrEnum):
    """A planned contact lets coordinators see an engagement before it happens."""

    PLANNED = "planned"
    DONE = "done"


class Compliance(StrEnum):
    """Observed compliance with a commitment."""

    PENDING = "pending"
    KEPT = "kept"
    PARTLY_KEPT = "partly_kept"
    BROKEN = "broken"
    UNKNOWN = "unknown"


class FollowUpStatus(StrEnum):
    """State of a follow-up task."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Role(StrEnum):
    """What an enrolled device may do."""

    FIELD = "field"
    COORDINATOR = "coordinator"
