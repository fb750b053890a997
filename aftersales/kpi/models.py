"""Scoring rules, monthly scorecards and bonuses, department KPIs (绩效考核与奖金)."""
