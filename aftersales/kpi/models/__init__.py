"""Scoring rules, monthly scorecards and bonuses (绩效考核与奖金)."""

from aftersales.kpi.models.scoring import Scorecard, ScoreLine, ScorePeriod, ScoringRuleSet

__all__ = ["ScoreLine", "ScorePeriod", "Scorecard", "ScoringRuleSet"]
