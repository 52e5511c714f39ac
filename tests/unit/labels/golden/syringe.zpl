^XA
^CI28
^PW531
^LL72
^LH0,0
^FX kitBarcode
^FO12,6^BXN,6,200,10,10,,_^FD483920^FS
^FX kitNumber
^FT85,16^A0N,17,17^FDKit 483920^FS
^FX subject
^FT85,33^A0N,14,14^FDSubj. R007 · Visit W2^FS
^FX batch
^FT85,48^A0N,14,14^FDLot NSDUPI-BL1^FS
^FX useBefore
^FT85,64^A0N,14,14^FDUse before 08/2027 (AUG 2027)^FS
^FX trialReference
^FT317,16^A0N,17,17^FDNS-DUPI RC31/19/0045^FS
^FX route
^FT317,33^A0N,14,14^FDSubcutaneous use^FS
^FX contactPhone
^FT317,48^A0N,14,14^FDEmergency +33 5 00 00 00 02^FS
^FX clinicalTrialUse
^FT317,64^A0N,14,14^FDFor clinical trial use only^FS
^PQ1
^XZ
