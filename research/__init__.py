"""Market-research toolkit: should a brand build a WeChat Mini Program?

Stages, in the order a figure travels through them (imports run the same way)::

    data      datasets/ and brand profiles, validated once  (evidence, assumptions, profiles)
      -> model    distributions; the market funnel over brands x draws  (users a day)
      -> decide   gates; the chance the brand wins the users it needs; flips; what to research
      -> present  words, charts, the client deck, pages, notebook helpers
      -> report, cli

See ``docs/architecture.md`` for one line per module.
"""

__version__ = "0.2.0"
