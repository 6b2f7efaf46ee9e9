import FuzzSupport

FuzzMain.run("FuzzLogFormats", FuzzLogFormats.testOneInput)
