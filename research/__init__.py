"""Market-research toolkit: should a brand build a WeChat Mini Program?

Layers, in the order a figure travels through them::

    evidence -> uncertainty -> audience / spend / categories / access -> market -> decision
    brand (profiles), charts (house style), deck (pptx), report (the main job), cli
"""

__version__ = "0.1.0"
