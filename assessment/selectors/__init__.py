"""Reads of the 抽查考核 side (HackSoft's selectors): keyword-only `<thing>_<action>` functions
that views, panels, viewsets, services and the public site's publication call to read plans,
draws, sessions and results. They never write; services may call them, they never call services.

`from assessment import selectors` then `selectors.draw_current(plan=plan)`; each sub-module
holds one sub-domain (plans and draws, sessions, results)."""

from .plans import Element, draw_current, draw_selections, draw_verify_command, frame_file_name, plan_draws, plan_population
from .results import (
    ABSENT,
    FAILED,
    OUTCOMES,
    PASSED,
    PENDING,
    ItemStats,
    PersonResult,
    Rate,
    RoundResults,
    TestStats,
    UnitResult,
    counted_tickets,
    county_difference,
    item_analysis,
    item_matrix,
    pass_rate,
    person_outcomes,
    item_analysis_min_attempts,
    plan_item_analysis,
    resit_candidates,
    round_results,
    rounds_people_rates,
    unit_assessment_history,
)
from .sessions import BOARD_STATES, NoticeLine, notice_lines, session_board_rows, session_roster, ticket_locked

__all__ = [
    "ABSENT", "BOARD_STATES", "FAILED", "OUTCOMES", "PASSED", "PENDING",
    "Element", "ItemStats", "NoticeLine", "PersonResult", "Rate", "RoundResults", "TestStats", "UnitResult",
    "counted_tickets", "county_difference", "draw_current", "draw_selections", "draw_verify_command", "frame_file_name",
    "item_analysis", "item_matrix",
    "notice_lines", "pass_rate", "person_outcomes", "plan_draws", "item_analysis_min_attempts", "plan_item_analysis", "plan_population",
    "resit_candidates", "round_results", "rounds_people_rates", "session_board_rows", "session_roster", "ticket_locked",
    "unit_assessment_history",
]
