import FuzzSupport

FuzzMain.run("FuzzNames", FuzzNames.testOneInput)
