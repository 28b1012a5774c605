"""Calibration against published human data: targets, the fit and the validation report.

``targets`` defines what is compared, ``runs`` simulates the scenarios the
targets use (a batch of parameter sets at a time), ``fit`` estimates the
parameters and ``validate`` checks and reports every target.
"""
