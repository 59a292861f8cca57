"""`make bench`: Nadir through the real SMS webhook, against a stock-Rasa baseline.

Pure statistics and reporting live in `bench.stats` and `bench.report`; everything that starts
processes or sends traffic lives in the other modules and runs only from `bench.run`.
"""
