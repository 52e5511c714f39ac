^XA
^CI28
^PW799
^LL400
^LH0,0
^FX clinicalTrialUse
^FT16,35^A0N,23,23^FDFor clinical trial use only^FS
^FX product
^FT16,65^A0N,25,25^FDdupilumab 300 mg/2 mL or placebo^FS
^FX formRouteQuantity
^FT16,88^A0N,18,18^FDSolution for injection in a prefilled syringe (2 mL)^FS
^FT16,109^A0N,18,18^FDSubcutaneous use · 1 prefilled syringe^FS
^FO16,118^GB571,2,2^FS
^FX subject
^FT16,140^A0N,20,20^FDSubject/treatment no. R007 · Initials JMH · Visit W2 (Week 2)^FS
^FX batchAndExpiry
^FT16,162^A0N,20,20^FDLot NSDUPI-BL1 · Use before 08/2027 (AUG 2027)^FS
^FX trialReference
^FT16,185^A0N,17,17^FDStudy NS-DUPI · Protocol RC31/19/0045 · Sponsor Toulouse University Hospital · Site CHU de^FS
^FT16,205^A0N,17,17^FDToulouse, Hôpital Larrey^FS
^FX investigator
^FT16,224^A0N,17,17^FDInvestigator Prof. Juliette Mazereeuw-Hautier^FS
^FO16,233^GB767,2,2^FS
^FX directions
^FT16,252^A0N,17,17^FDDirections: Inject subcutaneously as directed by the investigator; see the patient leaflet.^FS
^FX storage
^FT16,271^A0N,17,17^FDStorage: Store at 2-8 °C. Do not freeze. Keep in the outer carton to protect from light.^FS
^FX keepOutOfReach
^FT16,291^A0N,17,17^FDKeep out of the sight and reach of children^FS
^FO16,299^GB767,2,2^FS
^FX sponsorContact
^FT16,318^A0N,16,16^FDContact: CHU de Toulouse, Délégation à la Recherche Clinique et à l'Innovation, 2 rue Viguerie, 31059^FS
^FT16,336^A0N,16,16^FDToulouse Cedex 9, France · Tel. +33 5 00 00 00 01^FS
^FX emergencyContact
^FT16,354^A0N,16,16^FDEmergency and unblinding: NS-DUPI emergency unblinding line (investigator on call), Dermatology^FS
^FT16,372^A0N,16,16^FDDepartment, Hôpital Larrey, 24 chemin de Pouvourville, 31059 Toulouse, France · Tel. +33 5 00 00 00 02^FS
^FX kitCaption
^FT671,30^A0N,17,17^FDKit no.^FS
^FX kitNumber
^FT632,64^A0N,34,34^FD483920^FS
^FX kitBarcode
^FO660,86^BXN,7,200,10,10,,_^FD483920^FS
^PQ1
^XZ
