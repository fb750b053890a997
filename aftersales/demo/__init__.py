"""Demo data: a believable Chinese equipment maker, its staff, customers, projects and units.

``build.build_demo()`` loads everything; each context has its own builder so that later
modules can add their demo data on top of the returned ``DemoWorld``.
"""
