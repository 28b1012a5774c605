"""Samplers: each turns a validated space into member values ``(members, k)``.

They only sample; evaluating the members is the evaluator's job. Every sampler
takes ``seed=`` so that a sweep is reproducible from its seed alone.
"""

METHODS = ("grid", "lhs", "sobol", "population", "posterior")
