import FuzzSupport

FuzzMain.run("FuzzHTTP", FuzzHTTP.testOneInput)
