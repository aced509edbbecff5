"""What a model reads in `tools/list` for each catalog operation: brief descriptions of tools and arguments.

The declarations in `tools/<area>.py` document the intervyo API itself: the sandbox's OpenAPI document,
the validation errors and the README are written from them, for people. A model pays for every word of
`tools/list` on every turn, and most of that prose tells it nothing it can act on, so `tools/list` shows
these briefs instead (`Operation.tool`): what to call when, what comes back, the values to pass. Each
brief sits beside the full text it replaces in meaning; a test fails if one names a tool or an argument
that does not exist, or if a tool or argument has none.
"""

from __future__ import annotations

__all__ = ["BRIEFS", "Brief"]


class Brief:
    """A tool's brief description and its arguments' (argument name -> text)."""

    __slots__ = ("arguments", "description")

    def __init__(self, text: str, /, **arguments: str) -> None:
        self.description = text
        self.arguments = arguments


BRIEFS: dict[str, Brief] = {
    "list_agent_profiles": Brief(
        "List AI interviewer profiles for stages to use.",
        page="Page.",
        page_size="Default 20.",
    ),
    "get_agent_profile": Brief(
        "One agent profile: dimensions, interaction, scoring.",
        agent_profile_id="Agent profile id.",
    ),
    "create_agent_profile": Brief(
        "Create an AI interviewer: persona, use case, dimensions.",
        name="Name.",
        persona="Intro.",
        useCase="Purpose.",
        evaluationDimensions="Weights sum to 100.",
        context="Background.",
        interaction="Behaviour.",
        scoring="Scoring.",
        output="Parts.",
        additionalInstructions="Instructions.",
        isPublic="Public.",
    ),
    "fork_agent_profile": Brief(
        "Copy a public agent profile into this workspace.",
        sourceId="Public profile id.",
    ),
    "update_agent_profile": Brief(
        "Change an agent profile; only given fields change.",
        agent_profile_id="Agent profile id.",
        name="Name.",
        persona="Persona.",
        context="Background",
        interaction="Behaviour",
        evaluationDimensions="Dimensions, replacing all",
        scoring="Scoring",
        isPublic="Public.",
        additionalInstructions="Instructions.",
    ),
    "list_evaluation_templates": Brief(
        "List evaluation templates, one per role.",
        page="Page.",
        page_size="Default 20.",
        status="Only this status.",
    ),
    "get_evaluation_template": Brief(
        "One template: role, skills, objective, pass bar.",
        template_id="Template id.",
    ),
    "create_evaluation_template": Brief(
        "Create a template for a role; then add its stages.",
        template_name="Role name.",
        use_case="Purpose.",
        description="About the role.",
        objective="What to find out.",
        success_outcome="Verdict words.",
        status="Status.",
        level="Seniority.",
        requirements="Pass bar.",
        skills="Skills.",
        soft_skills="Soft skills.",
        default_duration_minutes="Minutes.",
        default_difficulty="Difficulty.",
        industry="Industry.",
        additional_context="More context.",
        language="Language.",
        session_mode="Mode.",
        visibility="Default team.",
    ),
    "update_evaluation_template": Brief(
        "Change a template; only given fields change.",
        template_id="Template id.",
        template_name="Name.",
        status="Status.",
        skills="Skills.",
        soft_skills="Soft skills.",
        objective="Objective.",
        requirements="Pass bar.",
        default_duration_minutes="Minutes.",
        default_difficulty="Difficulty.",
    ),
    "list_evaluation_stages": Brief(
        "List a template's stages; a stage's type is a session's stage.",
        page="Page.",
        page_size="Default 20.",
        evaluation_template_id="Template id.",
    ),
    "get_evaluation_stage": Brief(
        "One stage: type, interviewer, duration, pass mark.",
        stage_id="Stage id.",
    ),
    "create_evaluation_stage": Brief(
        "Add a stage (type e.g. technical) to a template.",
        evaluation_template_id="Template id.",
        type="Label, e.g. technical.",
        stage_name="Name.",
        stage_type="Run mode.",
        stage_order="Position.",
        duration_minutes="Minutes.",
        agent_profile_id="Profile id.",
        difficulty="Difficulty.",
        pass_threshold="Pass mark.",
        allow_retake="Allow a retake.",
        automation_rule="On pass.",
        status="Status.",
    ),
    "update_evaluation_stage": Brief(
        "Change a stage; only given fields change.",
        stage_id="Stage id.",
        stage_name="Name.",
        stage_type="Run mode.",
        duration_minutes="Minutes.",
        agent_profile_id="Agent profile id.",
        stage_order="Position.",
        difficulty="Difficulty.",
        pass_threshold="Pass mark.",
        automation_rule="On pass.",
        status="Status.",
    ),
    "list_participants": Brief(
        "Find participants by name or email (query).",
        page="Page.",
        page_size="Default 20.",
        query="Name or email part.",
        evaluation_template_id="Template id.",
        status="Status.",
        email="Exact email.",
        view="Row detail.",
    ),
    "get_participant": Brief(
        "One participant: profile, background, tags, metadata.",
        participant_id="Participant id.",
    ),
    "create_participant": Brief(
        "Add a person to evaluate; a 409 means they exist.",
        evaluation_template_id="Template id.",
        external_id="ATS id.",
        phone="Phone.",
        tags="Labels.",
        profile="Profile.",
        background="Background.",
        resume_url="Resume URL.",
        pipeline_id="Pipeline id.",
        metadata="Any data.",
        status="Status.",
        name="Name.",
        email="Email.",
    ),
    "update_participant": Brief(
        "Change a participant; only given fields change.",
        evaluation_template_id="Template id.",
        external_id="ATS id.",
        phone="Phone.",
        tags="Labels.",
        profile="Profile",
        background="Background",
        resume_url="Resume URL.",
        pipeline_id="Pipeline id.",
        metadata="Any data.",
        status="Status.",
        participant_id="Participant id.",
        name="Full name.",
        email="Email.",
    ),
    "delete_participant": Brief(
        "Delete a participant; their sessions, scorecards, transcripts stay (counted).",
        participant_id="Participant id.",
    ),
    "import_participants": Brief(
        "Create up to 500 participants; existing emails are skipped.",
        participants="People",
    ),
    "list_sessions": Brief(
        "List sessions, newest first; rows carry names and scores.",
        page="Page.",
        page_size="Default 20.",
        status="Only this status.",
        candidate_id="Participant id.",
        evaluation_template_id="Template id.",
        stage="Stage type.",
        scheduled_after="From (ISO).",
        scheduled_before="Before (ISO).",
        view="Row detail.",
    ),
    "get_session": Brief(
        "One session: status, times, join link, scorecard once scored.",
        session_id="Session id.",
    ),
    "schedule_session": Brief(
        "Schedule an interview (invite, 1 credit); retry-safe; a 409 names the open session.",
        candidate_id="Participant id.",
        evaluation_template_id="Template id.",
        stage="A stage's type, e.g. technical.",
        interview_id="Stage id.",
        scheduled_at="ISO; no offset: in timezone.",
        timezone="IANA zone, e.g. Europe/Berlin.",
        notes="Internal notes.",
        force="Book a 2nd open session.",
        language="Language code, e.g. en.",
        idempotency_key="Same key, same session (derived if omitted).",
    ),
    "reschedule_session": Brief(
        "Move a scheduled session; answers the stored time.",
        session_id="Session id.",
        scheduled_at="ISO; no offset: in timezone.",
        timezone="IANA zone (default the invite's).",
    ),
    "cancel_session": Brief(
        "Cancel a session that has not started yet.",
        session_id="Session id.",
    ),
}
